import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_NAME } from "./all";

// Loaded by `pulumi preview --policy-pack policies`; nothing else may import this file, because the
// constructor starts the analyzer's gRPC server. A policy without its own level is mandatory.
new PolicyPack(PACK_NAME, { enforcementLevel: "mandatory", policies: allPolicies });
