// Starts kinesalite in memory on 127.0.0.1 (the CLI would bind every interface).
// Usage: node server.js PORT. Prints "kinesalite listening on PORT" once ready; exits with its parent's stdin.
const kinesalite = require('kinesalite');

const port = parseInt(process.argv[2], 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node server.js PORT');
  process.exit(2);
}
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`kinesalite listening on ${port}`);
});
// The Java harness owns this process: when it goes away (even kill -9), stdin closes and so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
