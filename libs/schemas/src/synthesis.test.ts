import { describe, expect, it } from "vitest";
import { synthesisSchema } from "./synthesis";

describe("synthesisSchema", () => {
	it("should accept an answer with no references", () => {
		expect(synthesisSchema.safeParse({ answer: "42", references: [] }).success).toBe(true);
	});

	it("should reject an empty answer", () => {
		expect(synthesisSchema.safeParse({ answer: "", references: [] }).success).toBe(false);
	});

	it("should reject a reference that leaves out a nullable field", () => {
		expect(synthesisSchema.safeParse({ answer: "42", references: [{ subtaskId: "a" }] }).success).toBe(false);
	});
});
