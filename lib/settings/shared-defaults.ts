/**
 * Defaults that more than one node's settings share, so they cannot drift apart. Plain code: the editor bundles it.
 */

/**
 * The seed edge-sim and edge-lorawan-keys' simulator source start from. edge-sim derives each LoRaWAN tag's session
 * keys from its seed (lib/sim/lorawan-tag.ts demoKeys) and the keys node derives them again from its own seed: the
 * two dropped from the palette decode each other only while these agree.
 */
export const DEMO_SEED = 42;
