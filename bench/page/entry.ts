// The bench page's script: the portal's elements plus the probes the bench reads through Playwright.
import '../../src/index.ts';
import { installProbe } from './probe.ts';

installProbe();
