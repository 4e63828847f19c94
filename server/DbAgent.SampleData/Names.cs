namespace DbAgent.SampleData;

/// <summary>The vocabulary the sample shop is made of. ASCII only, no quotes, so every engine stores it alike.</summary>
internal static class Names
{
    public static readonly string[] First =
    [
        "Alice", "Amelia", "Anna", "Arthur", "Ben", "Carla", "Charlotte", "Chen", "Daniel", "David", "Elena", "Emil",
        "Emma", "Erik", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ines", "Isaac", "Ivan", "Jack", "James", "Jana",
        "Jonas", "Julia", "Karim", "Kate", "Lars", "Laura", "Leo", "Lucia", "Luis", "Maja", "Marco", "Maria", "Mateo",
        "Mia", "Nadia", "Noah", "Nora", "Olga", "Oliver", "Omar", "Paula", "Pedro", "Priya", "Rafael", "Rosa",
        "Sam", "Sara", "Sofia", "Tom", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zoe",
    ];

    // A good share end in "son", which the sample's suffix search looks for.
    public static readonly string[] Last =
    [
        "Anderson", "Baker", "Becker", "Bianchi", "Brown", "Carlson", "Clarke", "Costa", "Davies", "Dubois",
        "Evans", "Fischer", "Garcia", "Gonzalez", "Hansen", "Harris", "Hoffmann", "Jackson", "Jansen", "Johansson",
        "Johnson", "Jones", "Kowalski", "Larsen", "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Muller", "Nelson",
        "Nguyen", "Nilsson", "Novak", "Olsen", "Patel", "Peeters", "Petrov", "Richter", "Robinson", "Romano",
        "Rossi", "Santos", "Schmidt", "Schneider", "Silva", "Smith", "Svensson", "Taylor", "Thompson", "Turner",
        "Visser", "Wagner", "Walker", "Weber", "White", "Wilson", "Wright", "Young", "Zielinski",
    ];

    public static readonly ((string Code, string[] Cities) Item, int Weight)[] Countries =
    [
        (("US", ["New York", "Chicago", "Austin", "Seattle", "Denver"]), 30),
        (("GB", ["London", "Manchester", "Leeds", "Bristol"]), 12),
        (("DE", ["Berlin", "Hamburg", "Munich", "Cologne"]), 12),
        (("FR", ["Paris", "Lyon", "Marseille", "Toulouse"]), 10),
        (("ES", ["Madrid", "Barcelona", "Valencia"]), 6),
        (("IT", ["Rome", "Milan", "Turin", "Naples"]), 6),
        (("NL", ["Amsterdam", "Rotterdam", "Utrecht"]), 5),
        (("PL", ["Warsaw", "Krakow", "Gdansk"]), 5),
        (("CA", ["Toronto", "Montreal", "Vancouver"]), 5),
        (("AU", ["Sydney", "Melbourne", "Brisbane"]), 5),
        (("SE", ["Stockholm", "Gothenburg", "Malmo"]), 4),
    ];

    public static readonly (string Name, string[] Nouns)[] Categories =
    [
        ("kitchen", ["Pan", "Kettle", "Knife Set", "Cutting Board", "Mixing Bowl", "Teapot"]),
        ("garden", ["Planter", "Hose", "Trowel", "Bird Feeder", "Watering Can", "Bench"]),
        ("office", ["Desk", "Chair", "Notebook", "Pen Holder", "Filing Cabinet", "Monitor Stand"]),
        ("lighting", ["Desk Lamp", "Floor Lamp", "Pendant Light", "Lantern", "Wall Sconce"]),
        ("toys", ["Puzzle", "Kite", "Building Blocks", "Rocking Horse", "Board Game"]),
        ("books", ["Cookbook", "Atlas", "Journal", "Sketchbook", "Novel"]),
        ("outdoor", ["Tent", "Backpack", "Sleeping Bag", "Camping Stove", "Hammock"]),
        ("bath", ["Towel", "Bath Mat", "Soap Dish", "Mirror", "Laundry Basket"]),
        ("electronics", ["Speaker", "Headphones", "Charger", "Keyboard", "Webcam"]),
        ("clothing", ["Scarf", "Jacket", "Sweater", "Beanie", "Raincoat"]),
        ("sports", ["Yoga Mat", "Dumbbell", "Racket", "Water Bottle", "Jump Rope"]),
        ("pets", ["Dog Bed", "Cat Tree", "Leash", "Feeding Bowl", "Pet Carrier"]),
    ];

    public static readonly string[] Adjectives =
    [
        "Classic", "Compact", "Deluxe", "Everyday", "Foldable", "Handmade", "Heritage", "Lightweight", "Modern",
        "Nordic", "Rustic", "Sturdy", "Travel", "Urban", "Vintage",
    ];

    public static readonly string[] Materials =
    [
        "Oak", "Walnut", "Bamboo", "Steel", "Copper", "Ceramic", "Linen", "Wool", "Cotton", "Glass", "Leather",
        "Recycled",
    ];

    public static readonly string[] Coupons =
    [
        "WELCOME10", "SPRING24", "SUMMER24", "AUTUMN24", "WINTER24", "SPRING25", "SUMMER25", "AUTUMN25", "BLACKFRIDAY",
        "CYBERMONDAY", "FREESHIP", "LOYAL15", "BIRTHDAY", "NEWSLETTER", "FRIEND20", "STUDENT", "VIP30", "FLASH50",
        "BUNDLE", "RETURNING", "APP5", "GARDEN10", "OFFICE10", "KITCHEN10", "PETS10", "BOOKS5", "SPORTS10",
        "HOLIDAY", "NEWYEAR", "EASTER",
    ];

    public static readonly string[] Agents = ["web", "ios", "android"];
}
