/** The rules edge-rules evaluates, as the editor saves them. */
import type { AlertSeverity } from "../contract/alert";

export type Severity = AlertSeverity;
export { SEVERITY_PRIORITY } from "../contract/alert";

interface RuleBase {
  name: string;
  severity: Severity;
  /** resource the rule watches (a reading's resourceName); empty: every numeric reading */
  resource?: string;
  /** only this device; empty: every device */
  device?: string;
  /** state key template; default "{deviceName}/{resourceName}" */
  key?: string;
  /**
   * "class": the limits come from the device's product class (threshold: the class's high, or low when below,
   * the clear level as far from it as the rule's; band and tor: low and high; mkt: the class's mkt or high),
   * the rule's own when no class applies. Default "rule".
   */
  limits?: "rule" | "class";
}

export interface ThresholdRule extends RuleBase {
  type: "threshold";
  direction: "above" | "below";
  /** raise beyond this */
  raise: number;
  /** clear back past this (hysteresis); default: raise */
  clear?: number;
  /** the condition must hold this long before the alert is raised */
  forS?: number;
}

export interface BandRule extends RuleBase {
  type: "band";
  low: number;
  high: number;
  /** alert when outside (default) or inside the band */
  when?: "outside" | "inside";
  hysteresis?: number;
  forS?: number;
}

export interface RateRule extends RuleBase {
  type: "rate";
  /** alert when the value changes faster than this many units per minute */
  perMinute: number;
  windowS: number;
  direction?: "rise" | "fall" | "either";
}

export interface NoDataRule extends RuleBase {
  type: "nodata";
  seconds: number;
}

export interface TimeOutOfRangeRule extends RuleBase {
  type: "tor";
  low: number;
  high: number;
  /** allowed minutes out of range within the window */
  budgetMin: number;
  windowH: number;
}

export interface MktRule extends RuleBase {
  type: "mkt";
  limit: number;
  windowH: number;
  deltaHOverR?: number;
}

export interface StockRule extends RuleBase {
  type: "stock";
  unitWeight: number;
  tare?: number;
  reorderPoint: number;
  targetStock: number;
}

export interface JsonataRule extends RuleBase {
  type: "jsonata";
  /** true means the condition holds; evaluated against {reading, event, value} */
  expression: string;
  forS?: number;
}

export type Rule = ThresholdRule | BandRule | RateRule | NoDataRule | TimeOutOfRangeRule | MktRule | StockRule | JsonataRule;
