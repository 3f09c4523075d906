module example.com/fixtures/janitor

go 1.21
