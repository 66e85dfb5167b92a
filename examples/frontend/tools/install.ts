// `npm run example` and `npm run example:build` first: the client packed into
// examples/frontend/vendor/ and installed from there, as the example's package.json asks.
import { CLIENT_TARBALL, EXAMPLE_DIR, preparePage } from './page.ts';

const { packMs, installMs } = await preparePage(EXAMPLE_DIR);
console.log(`client packed to examples/frontend/${CLIENT_TARBALL} (${Math.round(packMs)} ms) and installed (${Math.round(installMs)} ms)`);
