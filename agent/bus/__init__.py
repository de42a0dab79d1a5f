"""NATS JetStream transport: the bus contract, messages, streams and the consumer loop."""
