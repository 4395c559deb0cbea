namespace LiveSync.Server;

/// <summary>Registered by AddLiveSync, so MapLiveSync can tell when it was not called.</summary>
internal sealed class LiveSyncMarker;
