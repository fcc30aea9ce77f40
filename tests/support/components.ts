import { runStack } from "../../plan/runtime";

const settled = () => new Promise((resolve) => setTimeout(resolve, 100));

/**
 * Constructs components under the plan's mock runtime and returns what that failed with: the error the program
 * threw, or one raised while a resource's inputs were resolved (an `apply` that threw), which the runtime only
 * reports as an unhandled rejection after the program has returned. Undefined when nothing failed. Waits until
 * no more rejections arrive, so that none is left to the next run.
 */
export async function componentError(construct: () => void): Promise<unknown> {
    const raised: unknown[] = [];
    const record = (error: unknown) => raised.push(error);
    process.on("unhandledRejection", record);
    try {
        await runStack({ project: "fintrax", stack: "components", config: {}, program: async () => construct() }).catch(record);
        for (let seen = -1; seen !== raised.length;) {
            seen = raised.length;
            await settled();
        }
        return raised[0];
    } finally {
        process.off("unhandledRejection", record);
    }
}
