import { Button, Center, Stack, Text, Title } from "@mantine/core";
import { Link, useLocation } from "react-router";

export function NotFoundRoute() {
  const location = useLocation();
  return (
    <Center h="100%" p="xl">
      <Stack align="center" ta="center">
        <Title order={1} size="h3">
          Page not found
        </Title>
        <Text c="dimmed">Nothing lives at {location.pathname}.</Text>
        <Button component={Link} to="/gallery" variant="light">
          Go to the gallery
        </Button>
      </Stack>
    </Center>
  );
}
