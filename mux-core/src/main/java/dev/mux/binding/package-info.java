/**
 * Data bindings: a model type tied to a stream of a {@link dev.mux.demux.Demultiplexer}, as in
 * Channels 1.x.
 *
 * <p>A {@link dev.mux.binding.Binding} runs the inbound actions {@code create}, {@code update}
 * and {@code delete} against the application's {@link dev.mux.binding.BindingStore}, after its
 * {@link dev.mux.binding.BindingPermission} allows them, and answers as Django REST Framework
 * consumers do (statuses 201/200/204, 400/403/404/405). Every change — through the stream or
 * reported by the application with {@code saved} and {@code deleted} — is broadcast to the groups
 * the instance belongs to: DELETE to the groups it left, UPDATE to those it stayed in, CREATE to
 * those it joined.
 */
package dev.mux.binding;
