/* systemd's readiness protocol (sd_notify), spoken directly: no libsystemd needed. */
#ifndef BH_NOTIFY_H
#define BH_NOTIFY_H

/* Sends a state line ("READY=1") to $NOTIFY_SOCKET; does nothing without one. */
void notify_send(const char *state);

#endif
