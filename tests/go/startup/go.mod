module example.com/fixtures/startup

go 1.21
