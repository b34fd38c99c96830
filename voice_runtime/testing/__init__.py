"""Stand-ins for what the voice worker meets in production, for tests, load tests and `revos demo`.

A simulated caller speaking Twilio's side of Media Streams, the demo call placed with it, a
scripted-transcript STT and a render-once TTS cache. They are real implementations of the ports
they stand in for; the voice worker's call path never imports them (only `revos demo` dials with the
simulated caller).
"""
