// Benchmark target (1): a bare Express 5 app whose DELETE handler only answers 204. It is
// the ceiling: the cost of Node's HTTP server and Express's router, and nothing else.
// Listens on 127.0.0.1:$PORT.
import express from 'express';

const app = express();
app.delete('/v3/:project_id/backups/:backup_id', (_req, res) => {
  res.status(204).end();
});
app.listen(Number(process.env.PORT), '127.0.0.1');
