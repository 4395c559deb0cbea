using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace LiveSync.Redis.Resp;

/// <summary>
/// The completion of one command in flight, awaited through a <see cref="ValueTask{TResult}"/> and pooled, so a
/// command allocates no Task or TaskCompletionSource.
/// <para>
/// Two parties hold it: the connection, until the reply has been read off the wire (even after a timeout, because
/// replies are matched by order and a timed-out command's reply still arrives), and the awaiter, until it has read
/// the result. It returns to the pool only when both have let go. Whoever completes it first wins: the reply, the
/// timeout sweep, cancellation or a connection failure; the others find it done and do nothing.
/// </para>
/// </summary>
internal sealed class RespPendingCommand : IValueTaskSource<RespValue>
{
    private const int MaxPooled = 4096;

    private static readonly ConcurrentQueue<RespPendingCommand> s_pool = new();
    private static int s_pooledCount;

    private ManualResetValueTaskSourceCore<RespValue> _core;
    private CancellationTokenRegistration _cancellation;
    private int _completed;
    private int _owners;
    private bool _throwOnError;

    private RespPendingCommand()
    {
        // Continuations never run on the reader loop: a caller blocking inside one would stall every other reply.
        _core.RunContinuationsAsynchronously = true;
    }

    /// <summary>The command name for a timeout message, when it was given as text.</summary>
    public string? CommandName { get; private set; }

    /// <summary>When the command times out, in <see cref="Environment.TickCount64"/> milliseconds; <see cref="long.MaxValue"/> for never.</summary>
    public long Deadline { get; private set; }

    /// <summary>Takes a completion from the pool for a command about to be queued.</summary>
    public static RespPendingCommand Rent(string? commandName, long deadline, bool throwOnError)
    {
        if (s_pool.TryDequeue(out var command))
        {
            Interlocked.Decrement(ref s_pooledCount);
        }
        else
        {
            command = new RespPendingCommand();
        }

        command.CommandName = commandName;
        command.Deadline = deadline;
        command._throwOnError = throwOnError;
        command._completed = 0;
        command._owners = 2;
        return command;
    }

    /// <summary>The task the caller awaits; valid for exactly one await.</summary>
    public ValueTask<RespValue> AsValueTask() => new(this, _core.Version);

    /// <summary>Makes <paramref name="cancellationToken"/> fail the wait (the reply is still consumed when it comes).</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken.UnsafeRegister(
            static (state, token) => ((RespPendingCommand)state!).TrySetException(new OperationCanceledException(token)),
            this);
    }

    /// <summary>Completes with a reply; false when the command had already timed out, been cancelled or failed.</summary>
    public bool TrySetResult(in RespValue value)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetResult(value);
        return true;
    }

    /// <summary>Fails the command; false when it had already completed.</summary>
    public bool TrySetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetException(exception);
        return true;
    }

    /// <summary>
    /// The connection's side lets go: its reply was read or it was failed with the connection. The awaiter's side lets go in
    /// <see cref="GetResult"/>.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _owners) != 0)
        {
            return;
        }

        _core.Reset();
        _cancellation = default;
        CommandName = null;
        if (Interlocked.Increment(ref s_pooledCount) <= MaxPooled)
        {
            s_pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooledCount);
        }
    }

    /// <summary>Gives the awaiter its reply (a top-level error reply thrown as <see cref="RedisServerException"/>) and lets go.</summary>
    public RespValue GetResult(short token)
    {
        try
        {
            var value = _core.GetResult(token);
            if (_throwOnError && value.IsError)
            {
                throw new RedisServerException(value.AsString()!);
            }

            return value;
        }
        finally
        {
            // Dispose waits for a running cancellation callback, so none can touch this object once it is reused.
            _cancellation.Dispose();
            Release();
        }
    }

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
