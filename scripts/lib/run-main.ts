// The entry of a script whose libraries keep handles open (miniprogram-ci, the CloudBase CLI): run
// `main` and exit with its verdict, printing only the message of an error, never a stack.
export function exitWhenDone(main: () => Promise<unknown>): void {
  main().then(
    (ok) => process.exit(ok === false ? 1 : 0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
