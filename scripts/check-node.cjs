'use strict';
// Runs before any .ts file is loaded, on whatever Node the user has. Written in the JavaScript every
// Node version parses (var, no arrows, no template strings), so an old Node reaches the message
// instead of a SyntaxError or a stack trace from deep inside a dependency.
var fs = require('fs');
var path = require('path');

var root = path.join(__dirname, '..');
var engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines || {};
var wanted = /(\d+)(?:\.(\d+))?/.exec(engines.node || '');
if (!wanted) {
  process.stderr.write('package.json has no engines.node to check against.\n');
  process.exit(1);
}
var minimum = [Number(wanted[1]), Number(wanted[2] || 0)];
var have = process.versions.node.split('.').map(Number);
var ok = have[0] > minimum[0] || (have[0] === minimum[0] && have[1] >= minimum[1]);

if (!ok) {
  var shown = minimum[1] > 0 ? minimum.join('.') : String(minimum[0]);
  var recommended = String(minimum[0]);
  try {
    recommended = fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim() || recommended;
    // A binding-less `catch {` would be a syntax error on the oldest Nodes this must talk to.
    // oxlint-disable-next-line no-unused-vars
  } catch (error) {
    // No .nvmrc: recommend the minimum itself.
  }
  process.stderr.write(
    'Ideogram Studio needs Node.js ' +
      shown +
      ' or newer; this is Node.js ' +
      process.versions.node +
      ' (' +
      process.execPath +
      '). Install Node ' +
      recommended +
      ' (`nvm install` reads .nvmrc, or https://nodejs.org), then run the command again.\n',
  );
  process.exit(1);
}
