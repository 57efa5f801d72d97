// Lets the mini-program's type check read the backend's output types (the type-only imports in
// services/outputs.ts, erased from what runs on the phone). The backend files those types live in
// are type-checked with them, and they use Node (process.env, Buffer, node:crypto), so this program
// loads Node's declarations too. No page or service may use them: tests/miniprogram/api-types.test.ts
// scans the mini-program's sources for Node globals and fails on any.
/// <reference types="node" />
