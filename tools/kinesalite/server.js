// Starts kinesalite in memory on 127.0.0.1 (the CLI would bind every interface).
// Usage: node server.js PORT. Prints "kinesalite listening on PORT" once ready; exits with its parent's stdin.
// A line "advance-clock MILLIS" on stdin moves the server's clock on (kinesalite reads Date.now for arrival
// times, retention and iterator expiry), so a test can let records expire without waiting a day.
// A line "fail OPERATION COUNT ERROR_CODE" answers the next COUNT requests for OPERATION (GetRecords, ...) as
// Kinesis answers one it refuses: HTTP 400 with that error code (ProvisionedThroughputExceededException,
// ExpiredIteratorException, ...), since kinesalite neither throttles reads nor lets an iterator expire
// between two reads of one batch.
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
const faults = {}; // operation -> { count, code }
const MESSAGES = {
  ProvisionedThroughputExceededException: 'Rate exceeded for shard in stream under account 000000000000.',
  ExpiredIteratorException: 'Iterator expired. The iterator was created at an earlier time and is further in the past'
    + ' than the tolerated delay of 300000 milliseconds.',
};
const serve = server.listeners('request')[0];
server.removeAllListeners('request');
server.on('request', (req, res) => {
  const operation = (req.headers['x-amz-target'] || '').split('.')[1];
  const fault = faults[operation];
  if (!fault || fault.count === 0) {
    serve(req, res);
    return;
  }
  fault.count -= 1;
  console.log(`fault served: ${operation} ${fault.code} (${fault.count} left)`);
  req.resume();
  req.on('end', () => {
    const body = JSON.stringify({ __type: fault.code, message: MESSAGES[fault.code] || fault.code });
    res.writeHead(400, {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': Buffer.byteLength(body),
      'x-amzn-RequestId': `fault-${Date.now()}-${fault.count}`,
    });
    res.end(body);
  });
});
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
  const fail = /^fail (\w+) (\d+) (\w+)$/.exec(line.trim());
  if (fail) {
    faults[fail[1]] = { count: parseInt(fail[2], 10), code: fail[3] };
    console.log(`failing the next ${fail[2]} ${fail[1]} requests with ${fail[3]}`);
    return;
  }
  const advance = /^advance-clock (\d+)$/.exec(line.trim());
  if (!advance) {
    console.error(`unknown command: ${line}`);
    return;
  }
  skewMillis += parseInt(advance[1], 10);
  console.log(`clock advanced to ${new Date(Date.now()).toISOString()}`);
});
commands.on('close', () => process.exit(0));
