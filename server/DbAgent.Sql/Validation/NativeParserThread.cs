using System.Collections.Concurrent;

namespace DbAgent.Sql.Validation;

/// <summary>
/// Runs native parser calls whose recursion depth the input decides on one dedicated thread with a very large stack.
/// A stack overflow in native code cannot be caught: it ends the process. libpg_query recurses once per level of a
/// left-deep tree (<c>1 + 1 + ...</c>, <c>SELECT 1 UNION SELECT 1 ...</c>), about 160 bytes a level measured on
/// x64, and a level needs at least two characters of input; so a 512 MiB stack (reserved, committed only as it is
/// touched) holds any input up to <see cref="MaxInputBytes"/> with a wide margin. Small inputs run inline: they cannot
/// go deeper than a thread-pool stack allows.
/// </summary>
public static class NativeParserThread
{
    /// <summary>Inputs up to this many bytes run on the caller's thread: at most 2,048 levels, well under 1 MiB of stack.</summary>
    public const int InlineBytes = 4096;

    /// <summary>The largest input the guarded thread takes: 4 MiB is at most 2 Mi levels, about 320 MiB of stack.</summary>
    public const int MaxInputBytes = 4 * 1024 * 1024;

    private const int StackBytes = 512 * 1024 * 1024;
    private static readonly BlockingCollection<Action> Work = new();
    private static readonly Lazy<Thread> Worker = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Calls <paramref name="parse"/> where its recursion is safe for an input of <paramref name="inputBytes"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input is longer than <see cref="MaxInputBytes"/>: no stack is known safe for it.</exception>
    public static T Run<T>(int inputBytes, Func<T> parse)
    {
        if (inputBytes <= InlineBytes) return parse();
        if (inputBytes > MaxInputBytes)
            throw new ArgumentOutOfRangeException(nameof(inputBytes), inputBytes, $"input longer than {MaxInputBytes} bytes is not given to the native parser");
        if (t_largeStack) return parse();
        _ = Worker.Value; // started on first use
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try { done.SetResult(parse()); }
            catch (Exception e) { done.SetException(e); }
        });
        // The caller's parse is synchronous; it waits for the one thread the native parser may run on (no context to deadlock).
#pragma warning disable VSTHRD002
        return done.Task.GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    /// <summary>True on a thread with the large stack: native parses of any size run inline there.</summary>
    [ThreadStatic]
    private static bool t_largeStack;

    private static Thread Start() => StartWithLargeStack(() => { foreach (var item in Work.GetConsumingEnumerable()) item(); }, "dbagent native parser");

    /// <summary>
    /// Starts a background thread with the large stack, on which native parses of any size run inline: for work that
    /// runs in parallel (`dbagent check`'s files), where one shared parser thread would make the workers queue.
    /// The stack is reserved address space, committed only as deep recursion touches it.
    /// </summary>
    public static Thread StartWithLargeStack(Action body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var thread = new Thread(() =>
        {
            t_largeStack = true;
            body();
        }, StackBytes)
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return thread;
    }
}
