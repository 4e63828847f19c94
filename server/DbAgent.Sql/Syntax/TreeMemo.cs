using System.Runtime.CompilerServices;

namespace DbAgent.Sql.Syntax;

/// <summary>
/// A few slots for what the layers above compute from one statement's tree alone (its rule findings, its summary for
/// the whole-script rules, the engine's verdict on it), shared by every version of the statement that shares the tree.
/// On a keystroke every statement the edit left alone is asked for each of those: reading a field is what that costs
/// here, where a weak table keyed by the tree cost a lookup (and the collector a dependent handle) per statement per cache.
/// Each user reserves its slot once (<see cref="Reserve"/>). Safe for concurrent use: a slot holds one reference.
/// </summary>
public sealed class TreeMemo
{
    /// <summary>How many slots there are: one per kind of cache that keys on statement trees.</summary>
    public const int Capacity = 4;

    private static int _reserved;

    [InlineArray(Capacity)]
    private struct Slots
    {
        private object? _first;
    }

    private Slots _slots;

    /// <summary>A slot of every statement's memo for the caller's cache; call once per cache (a static field).</summary>
    public static int Reserve()
    {
        var slot = Interlocked.Increment(ref _reserved) - 1;
        return slot < Capacity ? slot : throw new InvalidOperationException($"TreeMemo has {Capacity} slots and all are reserved: raise Capacity.");
    }

    public object? Get(int slot) => Volatile.Read(ref _slots[slot]);

    public void Set(int slot, object? value) => Volatile.Write(ref _slots[slot], value);
}
