"""Events: what happened (payloads), who may hear it (routing), and delivery (bus, socket.io)."""
