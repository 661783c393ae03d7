/**
 * Who may connect to the embedded broker, and which topics each user may publish and subscribe to.
 *
 * Users: names in the flow, each password in the node's credentials (see nodes/edge-broker). Flows saved before
 * that kept every user in one credential, one `username:password` per line (parseUsers).
 * ACL rules (in the flow, no secrets): one `<user|*> <publish|subscribe|all> <filter>` per line; `%u` in a filter
 * stands for the connecting user's name (as in Mosquitto's `pattern`). With no rule at all every client may use
 * every topic; with rules, a client may do only what some rule allows.
 */
import { timingSafeEqual, createHash } from "crypto";
import { filterCovers, isValidFilter, topicMatches } from "./topic-filter";

export type AclAction = "publish" | "subscribe";

export interface AclRule {
  user: string;
  actions: AclAction[];
  filter: string;
}

export class BrokerConfigError extends Error {}

export function parseUsers(text: string | undefined): Map<string, string> {
  const users = new Map<string, string>();
  (text ?? "").split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new BrokerConfigError(`users line ${i + 1}: expected "username:password"`);
    users.set(line.slice(0, colon), line.slice(colon + 1));
  });
  return users;
}

export function parseAcl(text: string | undefined): AclRule[] {
  const rules: AclRule[] = [];
  (text ?? "").split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const parts = line.split(/\s+/);
    if (parts.length !== 3) throw new BrokerConfigError(`ACL line ${i + 1}: expected "<user|*> <publish|subscribe|all> <topic filter>"`);
    const [user, action, filter] = parts;
    const actions: AclAction[] | undefined = action === "publish" ? ["publish"] : action === "subscribe" ? ["subscribe"] : action === "all" ? ["publish", "subscribe"] : undefined;
    if (!actions) throw new BrokerConfigError(`ACL line ${i + 1}: "${action}" is not publish, subscribe or all`);
    if (!isValidFilter(filter.replace(/%u/g, "user"))) throw new BrokerConfigError(`ACL line ${i + 1}: "${filter}" is not a valid MQTT topic filter`);
    rules.push({ user, actions, filter });
  });
  return rules;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

export class BrokerAuth {
  constructor(
    private readonly users: Map<string, string>,
    private readonly rules: AclRule[],
    private readonly allowAnonymous: boolean,
  ) {}

  /** constant-time password comparison; anonymous clients only when allowed */
  authenticate(username: string | undefined, password: Buffer | string | undefined): boolean {
    return this.check(username, password) === "ok";
  }

  /**
   * why a client may not connect: "anonymous" (no user name where one is required: CONNACK 5 / 0x87, not
   * authorised) is a different answer from "bad-credentials" (CONNACK 4 / 0x86)
   */
  check(username: string | undefined, password: Buffer | string | undefined): "ok" | "anonymous" | "bad-credentials" {
    if (username === undefined || username === "") return this.allowAnonymous ? "ok" : "anonymous";
    return this.passwordMatches(username, password) ? "ok" : "bad-credentials";
  }

  private passwordMatches(username: string, password: Buffer | string | undefined): boolean {
    const expected = this.users.get(username);
    const given = password === undefined ? "" : password.toString();
    // compare digests so the comparison takes the same time whatever the lengths and whether the user exists
    const ok = timingSafeEqual(digest(expected ?? "\u0000no user"), digest(given));
    return expected !== undefined && ok;
  }

  mayPublish(username: string | undefined, topic: string): boolean {
    return this.allowed(username, "publish", (filter) => topicMatches(filter, topic));
  }

  maySubscribe(username: string | undefined, filter: string): boolean {
    return this.allowed(username, "subscribe", (allowed) => filterCovers(allowed, filter));
  }

  private allowed(username: string | undefined, action: AclAction, test: (filter: string) => boolean): boolean {
    if (this.rules.length === 0) return true;
    const user = username ?? "";
    return this.rules.some((rule) => {
      if (!rule.actions.includes(action)) return false;
      if (rule.user !== "*" && rule.user !== user) return false;
      // %u is only meaningful for a named user: an anonymous client matches no per-user pattern
      if (rule.filter.includes("%u") && (!user || /[+#/]/.test(user))) return false;
      return test(rule.filter.replace(/%u/g, user));
    });
  }
}
