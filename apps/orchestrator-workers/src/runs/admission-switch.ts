/**
 * Whether the deployment takes new runs.
 *
 * MERGE POINT (issue 21, part 4): the admission switch (`POST /admission`) is built on another
 * branch. Until it is merged this always answers true; at the merge, this function asks the switch.
 * The schedule sweep (schedules/sweep.ts) is its one caller here: a tick that comes while admission is
 * closed starts no run (it is recorded on the schedule as `admission-closed`).
 */
export async function admissionOpen(_env: Env): Promise<boolean> {
	return true;
}
