/**
 * What a service embeds to run Raft groups: routing of shard keys to groups, and (as the runtime
 * grows) the cluster sharding of replicas and the client API.
 */
package dev.shardraft.runtime;
