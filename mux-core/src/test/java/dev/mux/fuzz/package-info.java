/**
 * Seeded generators of hostile input shared by the fuzz tests of every module (published in
 * mux-core's test-jar).
 */
package dev.mux.fuzz;
