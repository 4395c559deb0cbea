// The LiveSync server: configuration in (appsettings.json, environment variables LiveSync__*, command line
// --LiveSync:Key=value), LiveSync's extensions called. Everything else lives in the libraries.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddLiveSync();

var app = builder.Build();
app.MapLiveSync();
app.Run();
