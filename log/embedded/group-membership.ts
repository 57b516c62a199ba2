// Partition sharing between the members of one consumer group. Each member keeps a row in
// group_members and one lease per partition it consumes; both expire unless renewed by the
// member's heartbeat, so a killed member's partitions are taken over after the session timeout.
//
// Assignment is computed independently by each member from the same inputs: the live members
// sorted by id and the subscribed partitions sorted by (topic, partition); partition i belongs to
// member i mod n. A member releases partitions it should no longer own (between batches) and
// claims free or expired ones it should own. Views may briefly differ; they converge within a
// heartbeat. Correctness does not rest on the leases: the checkpoint is advanced by
// compare-and-set in the batch transaction, so a member that lost its lease cannot commit twice.
import type pg from 'pg';

export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export interface MembershipSettings {
  readonly pool: pg.Pool;
  readonly tables: string;
  readonly group: string;
  readonly memberId: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
}

export interface Rebalance {
  readonly claimed: readonly PartitionRef[];
  readonly released: readonly PartitionRef[];
  readonly owned: readonly PartitionRef[];
}

const partitionId = (ref: PartitionRef): string => `${ref.topic}\u0000${ref.partition}`;

export class GroupMembership {
  readonly #settings: MembershipSettings;
  readonly #owned = new Map<string, PartitionRef>();

  constructor(settings: MembershipSettings) {
    this.#settings = settings;
  }

  owned(): PartitionRef[] {
    return [...this.#owned.values()];
  }

  /** Renews the member and its leases. Safe to call concurrently with a batch in flight. */
  async heartbeat(): Promise<void> {
    const { pool, tables, group, memberId, sessionTimeoutMs } = this.#settings;
    await pool.query(
      `with member as (
         update ${tables}.group_members set expires_at = now() + make_interval(secs => $3::double precision / 1000)
         where group_id = $1 and member_id = $2)
       update ${tables}.partition_leases set expires_at = now() + make_interval(secs => $3::double precision / 1000)
       where group_id = $1 and member_id = $2`,
      [group, memberId, sessionTimeoutMs],
    );
  }

  /** Joins (or stays in) the group and moves leases towards this member's share. Call between batches. */
  async rebalance(): Promise<Rebalance> {
    const { pool, tables, group, memberId, topics, sessionTimeoutMs } = this.#settings;
    const expiry = 'now() + make_interval(secs => $3::double precision / 1000)';
    await pool.query(
      `insert into ${tables}.group_members (group_id, member_id, expires_at) values ($1, $2, ${expiry})
       on conflict (group_id, member_id) do update set expires_at = excluded.expires_at`,
      [group, memberId, sessionTimeoutMs],
    );
    // Rows of members that died long ago would otherwise accumulate; a live member whose row is
    // removed here (after a stall) simply inserts it again at its next rebalance.
    await pool.query(`delete from ${tables}.group_members where group_id = $1 and expires_at < now() - interval '1 minute'`, [group]);
    const members = (
      await pool.query<{ member_id: string }>(
        `select member_id from ${tables}.group_members where group_id = $1 and expires_at > now() order by member_id`,
        [group],
      )
    ).rows.map((row) => row.member_id);
    const partitions = (
      await pool.query<{ topic: string; partition: number }>(
        `select topic, partition from ${tables}.partition_heads where topic = any($1::text[]) order by topic, partition`,
        [topics],
      )
    ).rows;
    const myIndex = members.indexOf(memberId);
    const desired = new Map<string, PartitionRef>();
    partitions.forEach((ref, i) => {
      if (members.length > 0 && i % members.length === myIndex) desired.set(partitionId(ref), { topic: ref.topic, partition: ref.partition });
    });

    // Leases lost to expiry (e.g. after a long stall) are no longer ours.
    const held = new Set(
      (
        await pool.query<{ topic: string; partition: number }>(
          `select topic, partition from ${tables}.partition_leases where group_id = $1 and member_id = $2`,
          [group, memberId],
        )
      ).rows.map(partitionId),
    );
    const released: PartitionRef[] = [];
    for (const [id, ref] of this.#owned) {
      if (!held.has(id)) {
        this.#owned.delete(id);
        released.push(ref);
      } else if (!desired.has(id)) {
        await this.#release(ref);
        this.#owned.delete(id);
        released.push(ref);
      }
    }
    const claimed: PartitionRef[] = [];
    for (const [id, ref] of desired) {
      if (this.#owned.has(id)) continue;
      const taken = await pool.query(
        `insert into ${tables}.partition_leases (group_id, topic, partition, member_id, expires_at)
         values ($1, $4, $5, $2, ${expiry})
         on conflict (group_id, topic, partition) do update set member_id = excluded.member_id, expires_at = excluded.expires_at
         where ${tables}.partition_leases.expires_at < now() or ${tables}.partition_leases.member_id = excluded.member_id
         returning member_id`,
        [group, memberId, sessionTimeoutMs, ref.topic, ref.partition],
      );
      if (taken.rowCount === 1) {
        this.#owned.set(id, ref);
        claimed.push(ref);
      }
    }
    return { claimed, released, owned: this.owned() };
  }

  /** Gives back one partition (e.g. after a fenced commit) so the assignment is recomputed. */
  forget(ref: PartitionRef): void {
    this.#owned.delete(partitionId(ref));
  }

  async leave(): Promise<void> {
    const { pool, tables, group, memberId } = this.#settings;
    this.#owned.clear();
    await pool.query(`delete from ${tables}.partition_leases where group_id = $1 and member_id = $2`, [group, memberId]);
    await pool.query(`delete from ${tables}.group_members where group_id = $1 and member_id = $2`, [group, memberId]);
  }

  async #release(ref: PartitionRef): Promise<void> {
    const { pool, tables, group, memberId } = this.#settings;
    await pool.query(
      `delete from ${tables}.partition_leases where group_id = $1 and topic = $2 and partition = $3 and member_id = $4`,
      [group, ref.topic, ref.partition, memberId],
    );
  }
}
