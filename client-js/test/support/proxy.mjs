// A TCP proxy on a loopback port in front of a server, to break connections the way a network does: `cut()`
// drops every connection, `setOffline(true)` refuses new ones until `setOffline(false)`, and `holdReplies(true)`
// swallows what the server sends (the request gets there, its answer never comes back).
import net from "node:net";

export async function startProxy(targetPort) {
  const pairs = new Set();
  let offline = false;
  let holding = false;

  const server = net.createServer((client) => {
    if (offline) {
      client.destroy();
      return;
    }

    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair = { client, upstream };
    pairs.add(pair);
    client.on("data", (data) => upstream.write(data));
    upstream.on("data", (data) => {
      if (!holding) {
        client.write(data);
      }
    });
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Drops every open connection. */
    cut() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    setOffline(value) {
      offline = value;
      if (value) {
        this.cut();
      }
    },
    holdReplies(value) {
      holding = value;
    },
    close() {
      this.cut();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
