// Starts kinesalite in memory on 127.0.0.1 (the CLI would bind every interface).
// Usage: node server.js PORT. Prints "kinesalite listening on PORT" once ready; exits with its parent's stdin.
// A line "advance-clock MILLIS" on stdin moves the server's clock on (kinesalite reads Date.now for arrival
// times, retention and iterator expiry), so a test can let records expire without waiting a day.
const kinesalite = require('kinesalite');
const readline = require('readline');

const realNow = Date.now;
let skewMillis = 0;
Date.now = () => realNow() + skewMillis;

const port = parseInt(process.argv[2], 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node server.js PORT');
  process.exit(2);
}
// kinesalite throws from a request's 'error' event (index.js: req.on('error', ...throw err)), so a client
// that drops a connection mid-request (a Spark task interrupted when its query stops) would take the
// whole emulator down with ECONNRESET. Kinesis itself goes on serving the other clients; so do we.
process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error(`a client dropped its connection mid-request (${err.code || err.message}); serving on`);
    return;
  }
  console.error(err);
  process.exit(1);
});

const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`kinesalite listening on ${port}`);
});
// The Java harness owns this process: when it goes away (even kill -9), stdin closes and so do we.
const commands = readline.createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const advance = /^advance-clock (\d+)$/.exec(line.trim());
  if (!advance) {
    console.error(`unknown command: ${line}`);
    return;
  }
  skewMillis += parseInt(advance[1], 10);
  console.log(`clock advanced to ${new Date(Date.now()).toISOString()}`);
});
commands.on('close', () => process.exit(0));
