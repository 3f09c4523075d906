module example.com/fixtures/ownership

go 1.21
