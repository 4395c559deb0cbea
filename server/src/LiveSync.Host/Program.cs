// The LiveSync server: configuration in (appsettings.json, environment variables LiveSync__*, command line
// --LiveSync:Key=value), LiveSync's extensions called. Everything else lives in the libraries.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseStaticWebAssets(); // wwwroot (the demo) from a plain build too, in any directory or environment
var liveSync = builder.Services.AddLiveSync();
if (builder.Configuration["LiveSync:Redis"] is { Length: > 0 } redis)
{
    liveSync.AddRedis(redis);
}

var app = builder.Build();
app.UseDefaultFiles(); // wwwroot/index.html, the collaborative demo, at /
app.UseStaticFiles();
app.MapLiveSync();
app.Run();
