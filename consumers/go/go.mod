module github.com/okta-sessions/okta-sessions/consumers/go

go 1.23.0

require github.com/okta-sessions/okta-sessions-go v0.0.0

require golang.org/x/oauth2 v0.27.0 // indirect

replace github.com/okta-sessions/okta-sessions-go => ../../.consumers/go
