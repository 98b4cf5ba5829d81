// The watchdog process an emulator starts (see core/emulator/watchdog.ts): dist/watchdog.js.
import { runWatchdog } from './core/emulator/watchdog';

runWatchdog();
