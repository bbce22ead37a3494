/**
 * Cuts text to a size with a visible marker, so a step never returns more than it may (the platform
 * keeps at most 1 MiB per step) and a reader can see that something was cut.
 */
export function truncateText(text: string, maxChars: number): { text: string; truncated: boolean } {
	if (text.length <= maxChars) return { text, truncated: false };
	const marker = `\n\n[… truncated: kept ${maxChars} of ${text.length} characters]`;
	return { text: text.slice(0, Math.max(0, maxChars - marker.length)) + marker, truncated: true };
}
