/**
 * node-red-node-test-helper's server around each test of a suite: the lifecycle every node test repeats.
 *
 * Mocha runs the hooks of one suite in the order they are registered, so a suite's own beforeEach/afterEach
 * placed before `useTestHelper()` runs before the server starts and before the flow is unloaded; placed after,
 * it runs once the server has started and once it has stopped.
 */
import helper from "node-red-node-test-helper";

/** starts the test helper's server before each test of the suite, and unloads the flow and stops it after */
export function useTestHelper(): void {
  helper.init(require.resolve("node-red"));
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });
}
