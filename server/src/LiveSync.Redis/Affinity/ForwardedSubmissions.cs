using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Redis.Backplane;
using LiveSync.Server.Sequencing;
using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Affinity;

/// <summary>
/// The owning side of document affinity: sequences here the submissions other servers forward to this one and
/// publishes each answer on the sender's reply channel. Forwarded submissions are never forwarded again, whoever
/// this server thinks owns the document (two servers that briefly disagree would otherwise bounce them).
/// </summary>
internal sealed class ForwardedSubmissions(ILocalSequencer sequencer, RedisBackplane backplane, AffinityMetrics metrics, ILogger<ForwardedSubmissions> logger)
{
    private readonly AffinityKeys _keys = new(backplane.KeyPrefix);

    /// <summary>
    /// Takes a submission off this server's channel; runs on the subscriber's reader loop. The submission is queued
    /// on its document before this returns, so submissions published one after another (one client's, say) are
    /// sequenced in that order; the answer is sent from the pool.
    /// </summary>
    public void OnRequest(string channel, ReadOnlyMemory<byte> message)
    {
        ForwardRequest request;
        try
        {
            request = AffinityMessages.ReadRequest(message.Span);
        }
        catch (JsonException ex)
        {
            AffinityLog.Malformed(logger, channel, ex);
            return;
        }

        metrics.Served();
        Task<SubmitOutcome> sequenced;
        try
        {
            sequenced = sequencer.SubmitAsync(request.DocId, request.Submission);
        }
        catch (Exception ex)
        {
            sequenced = Task.FromException<SubmitOutcome>(ex);
        }

        _ = AnswerAsync(request, sequenced);
    }

    // Catches everything: nobody awaits it.
    private async Task AnswerAsync(ForwardRequest request, Task<SubmitOutcome> sequenced)
    {
        ForwardReply reply;
        try
        {
            var outcome = await sequenced.ConfigureAwait(false);
            reply = new ForwardReply(request.Id, outcome.V, outcome.Duplicate);
        }
        catch (LiveSyncException ex)
        {
            reply = new ForwardReply(request.Id, Code: ex.Code, Message: ex.Message);
        }
        catch (Exception ex)
        {
            AffinityLog.ServeFailed(logger, request.DocId, request.From, ex);
            reply = new ForwardReply(request.Id, Local: true);
        }

        try
        {
            var redis = await backplane.GetConnectionAsync().ConfigureAwait(false);
            await redis.ExecuteAsync("PUBLISH", _keys.Replies(request.From), AffinityMessages.Write(reply)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            AffinityLog.ReplyFailed(logger, request.DocId, request.From, ex);
        }
    }
}
