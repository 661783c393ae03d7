import { config, field } from "../_shared/editor/form";
import { DEFAULT_TOPIC } from "./settings";

export default [field("name", { icon: "tag" }), config("keys", { icon: "key" }), field("topicTemplate", { icon: "tasks", placeholder: DEFAULT_TOPIC })];
