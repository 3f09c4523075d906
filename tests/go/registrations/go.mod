module example.com/fixtures/registrations

go 1.21
