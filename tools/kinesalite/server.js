// Starts kinesalite in memory on 127.0.0.1 (the CLI would bind every interface).
// Usage: node server.js PORT. Prints "kinesalite listening on PORT" once ready; exits with its parent's stdin.
// A line "advance-clock MILLIS" on stdin moves the server's clock on (kinesalite reads Date.now for arrival
// times, retention and iterator expiry; every answer's Date header follows it), so a test can let records
// expire without waiting a day.
// A line "fail OPERATION COUNT ERROR_CODE" answers the next COUNT requests for OPERATION (GetRecords, ...) as
// Kinesis answers one it refuses: HTTP 400 with that error code (ProvisionedThroughputExceededException,
// ExpiredIteratorException, ...), since kinesalite neither throttles reads nor lets an iterator expire
// between two reads of one batch.
// A line "fail-entries COUNT ERROR_CODE" makes the next PutRecords (JSON) refuse its first COUNT entries
// with that code, as Kinesis refuses entries of a throttled shard (HTTP 200, FailedRecordCount), and
// store the rest.
// A line "phantom-lag MILLIS" makes an empty GetRecords page read with a new iterator (one straight from
// GetShardIterator) report MillisBehindLatest MILLIS instead of 0, as Kinesis does for an idle shard
// (awslabs/spark-sql-kinesis-connector#49); the page after it, read with its NextShardIterator, tells the
// truth. "phantom-lag 0" turns it off.
// Once the clock has been moved on, a closed shard whose records have all expired (closed longer ago than
// the retention) leaves the stream as it does in Kinesis: ListShards and DescribeStream no longer list it,
// and GetShardIterator answers ResourceNotFoundException. kinesalite keeps such shards for ever.
// A line "records-served" prints "records served N": the records GetRecords (JSON) has returned so far.
const http = require('http');
const kinesalite = require('kinesalite');
const kinesaliteDb = require('kinesalite/db');
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
let entryFault = null; // { count, code }: the next PutRecords' first entries
let phantomLag = 0;
const newIterators = new Set();
const FORWARDED = 'x-fleetstream-forwarded';
let recordsServed = 0;
const MESSAGES = {
  ProvisionedThroughputExceededException: 'Rate exceeded for shard in stream under account 000000000000.',
  ExpiredIteratorException: 'Iterator expired. The iterator was created at an earlier time and is further in the past'
    + ' than the tolerated delay of 300000 milliseconds.',
};
const serve = server.listeners('request')[0];
server.removeAllListeners('request');
server.on('request', (req, res) => {
  // Node stamps Date from the real clock; Kinesis's Date is its own clock, which a reader may go by
  res.setHeader('Date', new Date(Date.now()).toUTCString());
  const operation = (req.headers['x-amz-target'] || '').split('.')[1];
  if (skewMillis > 0 && !req.headers[FORWARDED]
      && (operation === 'ListShards' || operation === 'DescribeStream' || operation === 'GetShardIterator')) {
    withoutExpiredShards(req, res, operation);
    return;
  }
  if (phantomLag > 0 && !req.headers[FORWARDED] && (operation === 'GetShardIterator' || operation === 'GetRecords')) {
    withPhantomLag(req, res, operation);
    return;
  }
  if (operation === 'PutRecords' && entryFault) {
    const refuse = entryFault;
    entryFault = null;
    failEntries(req, res, refuse);
    return;
  }
  const fault = faults[operation];
  if (!fault || fault.count === 0) {
    if (operation === 'GetRecords' && !req.headers[FORWARDED]) {
      countRecords(res);
    }
    serve(req, res);
    return;
  }
  fault.count -= 1;
  console.log(`fault served: ${operation} ${fault.code} (${fault.count} left)`);
  req.resume();
  req.on('end', () => reply(res, 400, { __type: fault.code, message: MESSAGES[fault.code] || fault.code },
    `fault-${Date.now()}-${fault.count}`));
});

// Answers as Kinesis does: JSON, with a request id.
function reply(res, status, answer, requestId) {
  const body = JSON.stringify(answer);
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId });
  res.end(body);
}

// Hands on an answer forwarded from kinesalite as it came, but for its (rewritten) body.
function relay(res, status, headers, body) {
  res.writeHead(status, { ...headers, 'content-length': body.length });
  res.end(body);
}

// The request's whole body, then `then(body)`.
function withBody(req, then) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => then(Buffer.concat(chunks)));
}
// A GetRecords answer's records, each with one SequenceNumber (the data is base64: no quotes in it),
// counted without parsing pages of megabytes.
function records(json) {
  let n = 0;
  for (let i = json.indexOf('"SequenceNumber"'); i >= 0; i = json.indexOf('"SequenceNumber"', i + 1)) {
    n += 1;
  }
  return n;
}

// kinesalite answers GetRecords with one end(body): count the records in it on the way out.
function countRecords(res) {
  const end = res.end.bind(res);
  res.end = (body, ...rest) => {
    if (res.statusCode === 200 && body) {
      recordsServed += records(body.toString('utf8'));
    }
    return end(body, ...rest);
  };
}

// Passes the call to kinesalite (through this server, marked) and rewrites the answer: the iterators
// GetShardIterator hands out are remembered as new, and an empty page read with one reports the lag.
function withPhantomLag(req, res, operation) {
  withBody(req, (body) => {
    const request = JSON.parse(body.toString('utf8'));
    forward(req, operation, body, (status, headers, answer) => {
      let out = answer;
      if (status === 200) {
        const response = JSON.parse(out.toString('utf8'));
        if (operation === 'GetShardIterator') {
          newIterators.add(response.ShardIterator);
        } else {
          recordsServed += response.Records.length;
          if (newIterators.delete(request.ShardIterator) && response.Records.length === 0
              && response.NextShardIterator) {
            response.MillisBehindLatest = phantomLag;
            console.log(`phantom lag served: an empty page ${phantomLag} ms behind`);
          }
        }
        out = Buffer.from(JSON.stringify(response), 'utf8');
      }
      relay(res, status, headers, out);
    });
  });
}

// Calls kinesalite itself (through this server, marked) and hands its answer to done(status, headers, body).
function forward(req, operation, body, done) {
  const headers = { ...req.headers, [FORWARDED]: '1', 'x-amz-target': `Kinesis_20131202.${operation}`,
    'content-length': Buffer.byteLength(body) };
  const call = http.request({ host: '127.0.0.1', port, method: 'POST', path: req.url, headers }, (answer) => {
    const parts = [];
    answer.on('data', (c) => parts.push(c));
    answer.on('end', () => done(answer.statusCode, answer.headers, Buffer.concat(parts)));
  });
  call.end(body);
}

// The stream's shards as Kinesis would list them now: without the closed ones whose records all expired.
function withoutExpiredShards(req, res, operation) {
  withBody(req, (body) => {
    const request = JSON.parse(body.toString('utf8'));
    const pass = () => forward(req, operation, body, (status, headers, out) => relay(res, status, headers, out));
    if (!request.StreamName || (operation === 'ListShards' && request.ExclusiveStartShardId)) {
      pass();
      return;
    }
    forward(req, 'DescribeStream', JSON.stringify({ StreamName: request.StreamName }), (status, headers, out) => {
      if (status !== 200) {
        pass();
        return;
      }
      const description = JSON.parse(out.toString('utf8')).StreamDescription;
      const retentionMillis = description.RetentionPeriodHours * 3600 * 1000;
      const gone = (shard) => shard.SequenceNumberRange.EndingSequenceNumber != null
        && kinesaliteDb.parseSequence(shard.SequenceNumberRange.EndingSequenceNumber).seqTime + retentionMillis
          < Date.now();
      if (operation === 'GetShardIterator') {
        if (!description.Shards.some((shard) => shard.ShardId === request.ShardId && gone(shard))) {
          pass();
          return;
        }
        console.log(`expired shard served: ${request.ShardId} of ${request.StreamName} has left the stream`);
        reply(res, 400, { __type: 'ResourceNotFoundException', message: `Shard ${request.ShardId} in stream`
          + ` ${request.StreamName} under account 000000000000 does not exist` }, `expired-shard-${Date.now()}`);
        return;
      }
      const shards = description.Shards.filter((shard) => !gone(shard));
      reply(res, 200, operation === 'ListShards' ? { Shards: shards }
        : { StreamDescription: { ...description, Shards: shards } }, `listed-${Date.now()}`);
    });
  });
}

// Stores all but the first entries through kinesalite itself, then answers with the refused ones in place.
function failEntries(req, res, refuse) {
  withBody(req, (body) => {
    const request = JSON.parse(body.toString('utf8'));
    const refused = Math.min(refuse.count, request.Records.length);
    const rest = JSON.stringify({ ...request, Records: request.Records.slice(refused) });
    forward(req, 'PutRecords', rest, (status, headers, out) => {
      const stored = request.Records.length > refused ? JSON.parse(out.toString('utf8'))
        : { FailedRecordCount: 0, Records: [] };
      const failed = Array.from({ length: refused }, () => ({ ErrorCode: refuse.code,
        ErrorMessage: MESSAGES[refuse.code] || refuse.code }));
      console.log(`fault served: PutRecords refused ${refused} of ${request.Records.length} entries with ${refuse.code}`);
      reply(res, 200, { FailedRecordCount: stored.FailedRecordCount + refused,
        Records: failed.concat(stored.Records), EncryptionType: stored.EncryptionType }, `fault-entries-${Date.now()}`);
    });
  });
}

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
  const entries = /^fail-entries (\d+) (\w+)$/.exec(line.trim());
  if (entries) {
    entryFault = { count: parseInt(entries[1], 10), code: entries[2] };
    console.log(`refusing the first ${entries[1]} entries of the next PutRecords with ${entries[2]}`);
    return;
  }
  if (line.trim() === 'records-served') {
    console.log(`records served ${recordsServed}`);
    return;
  }
  const lag = /^phantom-lag (\d+)$/.exec(line.trim());
  if (lag) {
    phantomLag = parseInt(lag[1], 10);
    console.log(`empty pages of new iterators report ${phantomLag} ms behind`);
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
