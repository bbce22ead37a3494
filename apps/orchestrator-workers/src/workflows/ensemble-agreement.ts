/**
 * How the answers of an ensemble agree: pure functions, unit-tested. Answers identical after
 * normalisation (case, surrounding and repeated whitespace, a final full stop) group without a model
 * call; otherwise the big model groups them (ensemble-steps.ts) and its grouping is checked here.
 */

/** An answer's text as compared: case, whitespace and a final full stop do not count. */
export function normalise(text: string): string {
	return text.trim().toLowerCase().replaceAll(/\s+/g, " ").replace(/\.$/, "");
}

/** Groups of answer indices (0-based) with identical normalised texts, in order of first appearance. */
export function groupsByText(texts: readonly string[]): number[][] {
	const groups = new Map<string, number[]>();
	texts.forEach((text, i) => {
		const key = normalise(text);
		groups.set(key, [...(groups.get(key) ?? []), i]);
	});
	return [...groups.values()];
}

/**
 * A model's grouping (1-based answer numbers) as 0-based groups, or null when it is not a partition
 * of the `count` answers (a number missing, repeated or out of range): the caller then keeps the
 * grouping by text, never a made-up agreement.
 */
export function checkedGroups(groups: readonly (readonly number[])[], count: number): number[][] | null {
	const seen = new Set<number>();
	const result: number[][] = [];
	for (const group of groups) {
		if (group.length === 0) continue;
		const zeroBased: number[] = [];
		for (const n of group) {
			if (!Number.isInteger(n) || n < 1 || n > count || seen.has(n)) return null;
			seen.add(n);
			zeroBased.push(n - 1);
		}
		result.push(zeroBased.toSorted((a, b) => a - b));
	}
	return seen.size === count ? result.toSorted((a, b) => a[0]! - b[0]!) : null;
}

/** Agreement as shown: a share rounded to two decimals (2 of 3 is 0.67). */
export const roundShare = (share: number) => Math.round(share * 100) / 100;

/**
 * The agreed group (the largest; on a tie the one with the earliest answer) and the agreement: its
 * size over `asked`, the answers asked for, so a sample that failed counts as dissent.
 */
export function agreementOf(groups: readonly number[][], asked: number): { agreed: number[]; agreement: number } {
	let agreed: number[] = [];
	for (const group of groups) if (group.length > agreed.length) agreed = group;
	return { agreed, agreement: asked > 0 ? roundShare(agreed.length / asked) : 0 };
}
