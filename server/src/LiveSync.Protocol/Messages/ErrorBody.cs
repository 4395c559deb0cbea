namespace LiveSync.Protocol.Messages;

/// <summary>The HTTP error body.</summary>
/// <param name="Code">One of <see cref="ErrorCodes"/>.</param>
/// <param name="Message">The explanation.</param>
public sealed record ErrorBody(string Code, string Message);
