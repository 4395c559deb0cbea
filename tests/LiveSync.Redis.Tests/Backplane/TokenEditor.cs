using System.Collections.Concurrent;
using System.Diagnostics;
using LiveSync.Client;
using LiveSync.Protocol;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// Edits a text document through the .NET SDK with inserts of fixed-length tokens <c>(i.kkk)</c> at token
/// boundaries, so that whatever transforms do, the final text is a sequence of whole tokens: every confirmed token
/// must be in it exactly once, and nothing else. Records every remote version the SDK applied, to catch duplicates.
/// </summary>
internal sealed class TokenEditor
{
    public const int TokenLength = 7;

    private readonly ConcurrentQueue<long> _remoteVersions = new();
    private readonly ConcurrentBag<string> _confirmed = [];
    private int _rejected;

    /// <summary>Why edits were rejected: error code to count.</summary>
    public ConcurrentDictionary<string, int> RejectedCodes { get; } = new();

    public TokenEditor(int index, LiveSyncClient client, LiveSyncDocument document)
    {
        Index = index;
        Client = client;
        Document = document;
        document.Changed += (_, e) =>
        {
            if (!e.IsLocal && !e.IsReload)
            {
                _remoteVersions.Enqueue(e.Version);
            }
        };
    }

    public int Index { get; }

    public LiveSyncClient Client { get; }

    public LiveSyncDocument Document { get; }

    public IReadOnlyCollection<string> Confirmed => _confirmed;

    public int Rejected => _rejected;

    /// <summary>Remote ops the SDK applied, by version, in the order applied.</summary>
    public IReadOnlyList<long> RemoteVersions => [.. _remoteVersions];

    /// <summary>Timestamps of confirmations, for recovery measurements.</summary>
    public ConcurrentQueue<(long StartedAt, long ConfirmedAt)> Confirmations { get; } = new();

    public static string Token(int index, int k) => $"({index}.{k:D3})";

    /// <summary>
    /// Inserts tokens one after another (each awaited, as a user typing would) until <paramref name="done"/> says
    /// so; <paramref name="onConfirmed"/> is told of each confirmation.
    /// </summary>
    public async Task RunAsync(Random random, Func<int, bool> done, Action onConfirmed)
    {
        for (var k = 0; !done(k); k++)
        {
            var token = Token(Index, k);
            var boundaries = (Document.Text ?? "").Length / TokenLength;
            var started = Stopwatch.GetTimestamp();
            try
            {
                await Document.InsertAsync(random.Next(boundaries + 1) * TokenLength, token).Within(TimeSpan.FromSeconds(90));
                _confirmed.Add(token);
                Confirmations.Enqueue((started, Stopwatch.GetTimestamp()));
                onConfirmed();
            }
            catch (LiveSyncException ex)
            {
                // Refused (the SDK reloaded; nothing of it was stored), or rejected locally because a remote op
                // changed the text between reading its length and inserting.
                Interlocked.Increment(ref _rejected);
                RejectedCodes.AddOrUpdate(ex.Code, 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>Checks the final text: every confirmed token exactly once, and only tokens.</summary>
    public static void AssertTokens(string text, IEnumerable<TokenEditor> editors)
    {
        Assert.Equal(0, text.Length % TokenLength);
        var tokens = Enumerable.Range(0, text.Length / TokenLength).Select(i => text.Substring(i * TokenLength, TokenLength)).ToList();
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        var confirmed = editors.SelectMany(e => e.Confirmed).ToHashSet();
        Assert.Subset(tokens.ToHashSet(), confirmed);
    }
}
