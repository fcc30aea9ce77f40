import { closeAnalyzers } from "../../plan/analyzer";

/** Root hooks (.mocharc.json): the policy analyzer the plan starts is shared by every test, and stopped at the end. */
export const mochaHooks = {
    afterAll: () => closeAnalyzers(),
};
