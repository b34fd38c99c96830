"""Text-to-speech behind one port; the engine is chosen per deployment, never per tenant."""
