import { apiserverUnhealthy } from "./apiserver-unhealthy.js";
import { backendDrain } from "./backend-drain.js";
import type { FaultCatalogue } from "./fault.js";
import { linkDown } from "./link-down.js";
import { nodeKill, nodePause } from "./node-lifecycle.js";
import { serviceStop } from "./service-stop.js";
import { staticPodStop } from "./static-pod-stop.js";
import { containerKill } from "./container-kill.js";

/** Every fault vipdrill knows, by the `type` a scenario names. */
export const FAULTS: FaultCatalogue = {
  "service-stop": serviceStop,
  "link-down": linkDown,
  "backend-drain": backendDrain,
  "node-kill": nodeKill,
  "node-pause": nodePause,
  "apiserver-unhealthy": apiserverUnhealthy,
  "static-pod-stop": staticPodStop,
  "container-kill": containerKill,
};
