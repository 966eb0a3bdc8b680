#!/usr/bin/env node
// The `tracker` command: loads the TypeScript CLI through tsx so it runs straight after `npm ci`.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
