/**
 * Implementation helpers shared by Mux's packages. Not API: anything here may change in any
 * release.
 */
package dev.mux.internal;
