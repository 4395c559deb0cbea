using System.Text.Json;
using LiveSync.Protocol.Messages;

namespace LiveSync.Redis.Tests.Infrastructure;

/// <summary>Random ot-text-unicode ops on ASCII text (so UTF-16 units are code points).</summary>
internal static class TextEdits
{
    public static Submission Create(string clientId) => new()
    {
        ClientId = clientId,
        Seq = 1,
        V = 0,
        Create = new CreateSpec("text", JsonElement.Parse("\"\"")),
    };

    /// <summary>An insert or (sometimes) a delete at a random place of <paramref name="text"/>, made at version <paramref name="v"/>.</summary>
    public static Submission RandomEdit(Random random, string clientId, long seq, long v, string text)
    {
        var position = random.Next(text.Length + 1);
        string json;
        if (text.Length > 8 && random.NextDouble() < 0.3)
        {
            position = Math.Min(position, text.Length - 1);
            var count = 1 + random.Next(Math.Min(3, text.Length - position));
            json = position == 0 ? $"[{{\"d\":{count}}}]" : $"[{position},{{\"d\":{count}}}]";
        }
        else
        {
            var insert = $"{(char)('a' + random.Next(26))}{seq % 10}";
            json = position == 0 ? $"[\"{insert}\"]" : $"[{position},\"{insert}\"]";
        }

        return new Submission { ClientId = clientId, Seq = seq, V = v, Op = JsonElement.Parse(json) };
    }
}
