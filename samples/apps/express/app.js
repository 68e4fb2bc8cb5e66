// A minimal Express application behind nginx, protected by defender.js.
//   PORT=3000 DEFENDER_URL=http://127.0.0.1:8080 node app.js
'use strict';
const express = require('express');
const defender = require('./defender');

const app = express();
app.set('trust proxy', 'loopback');
app.use(defender({ url: process.env.DEFENDER_URL || 'http://127.0.0.1:8080' }));
app.get('*', (req, res) => res.send(`hello ${req.ip} score=${req.threatScore}\n`));
const server = app.listen(Number(process.env.PORT || 3000), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
