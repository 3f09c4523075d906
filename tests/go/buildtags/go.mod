module example.com/fixtures/buildtags

go 1.21
