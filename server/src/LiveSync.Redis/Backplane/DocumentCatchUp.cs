using System.Diagnostics;
using LiveSync.Protocol;
using LiveSync.Server.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// After the backplane's link to Redis comes back from a drop, sends each document that has subscribers on this
/// server its latest op again, to the document's whole group. What was published while the link was down is lost
/// (pub/sub keeps nothing for absent subscribers), and a client that missed the last ops of a document that then
/// went quiet would otherwise wait for the next op to notice; this way a client that is behind sees a version ahead
/// of its own and fetches the gap from the op log, and a client that is not drops the op as a duplicate.
/// </summary>
internal sealed class DocumentCatchUp(RedisBackplane backplane, IOpLog store, ILogger<DocumentCatchUp> logger) : IHostedService
{
    /// <summary>
    /// The prefix of the hub's document groups, as the hub names them (<c>HubGroups.Document</c> in the server);
    /// groups of other names are left alone.
    /// </summary>
    internal const string DocumentGroupPrefix = "doc:";

    private int _running;
    private int _again;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        backplane.LinkRestored += OnRestored;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        backplane.LinkRestored -= OnRestored;
        return Task.CompletedTask;
    }

    /// <summary>Sends the latest op of every document with local subscribers to its group; never throws.</summary>
    internal async Task RunAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var documents = 0;
        foreach (var hub in backplane.Hubs)
        {
            foreach (var group in hub.LocalGroups)
            {
                if (!group.StartsWith(DocumentGroupPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var docId = group[DocumentGroupPrefix.Length..];
                try
                {
                    var head = await store.ReadHeadAsync(docId).ConfigureAwait(false);
                    var ops = head.V > 0 ? await store.ReadOpsAsync(docId, head.V, head.V, 1).ConfigureAwait(false) : [];
                    if (ops.Count == 1)
                    {
                        await hub.SendGroupAsync(group, HubNames.OpMessage, [docId, OpPayload.ToSequencedOp(ops[0])]).ConfigureAwait(false);
                        documents++;
                    }
                }
                catch (Exception ex)
                {
                    BackplaneLog.CatchUpFailed(logger, docId, ex);
                }
            }
        }

        BackplaneLog.CaughtUp(logger, documents, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void OnRestored()
    {
        // One run at a time; a restore during a run asks for one more run after it.
        Interlocked.Exchange(ref _again, 1);
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            _ = Task.Run(LoopAsync);
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (Interlocked.Exchange(ref _again, 0) == 1)
            {
                await RunAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            BackplaneLog.CatchUpRunFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }

        // A restore that came between the last check and the reset above.
        if (Volatile.Read(ref _again) == 1 && Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            _ = Task.Run(LoopAsync);
        }
    }
}
